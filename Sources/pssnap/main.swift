import PSCore

PSSnap.main()
