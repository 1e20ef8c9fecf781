from netzmd.cli import main

main()
