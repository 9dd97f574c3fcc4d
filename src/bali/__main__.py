from bali.cli import main

main()
