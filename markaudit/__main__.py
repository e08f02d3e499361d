from markaudit.cli import main

main()
