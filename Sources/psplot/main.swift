import PSCore

PSPlot.main()
