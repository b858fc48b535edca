import PSCore

PSTSV.main()
