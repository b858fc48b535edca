import PSCore

MultiCall.main()
