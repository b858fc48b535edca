import PSCore

PSLabel.main()
