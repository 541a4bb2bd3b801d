"""scripts/soak: the engine and ten satellites under Home Assistant for a long while."""
