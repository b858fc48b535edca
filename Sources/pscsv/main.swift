import PSCore

PSCSV.main()
