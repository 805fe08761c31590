"""What describes a generation: VoID, DCAT and the shared metadata behind them."""
