import PSCore

PSSQL.main()
