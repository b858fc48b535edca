import PSCore

PSExport.main()
