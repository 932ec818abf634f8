from broker_audit.cli.app import main

main()
