import PSCore

PSTrend.main()
