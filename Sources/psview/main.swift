import PSCore

PSView.main()
