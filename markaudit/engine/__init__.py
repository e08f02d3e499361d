"""The rule engine: rule files -> RuleSet; Document + RuleSet -> markings."""
