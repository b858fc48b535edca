import PSCore

PSAgg.main()
