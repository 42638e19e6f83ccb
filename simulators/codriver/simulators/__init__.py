"""Simulators of travellers, vehicles and the world, and the scenario runner."""
