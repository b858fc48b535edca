import PSCore

PSFilter.main()
