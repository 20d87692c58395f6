from ptcc.cli import main

main()
