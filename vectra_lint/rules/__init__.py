"""Rule modules: ``<family>/<rule_name>.py``, one rule each (found by ``registry.all_rules``)."""
