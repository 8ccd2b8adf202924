from llmprep.cli.app import main

main()
