import PSCore

PSDelta.main()
