"""The scenarios, one module each: ``run(bench, ...)`` measures one and adds its series."""
