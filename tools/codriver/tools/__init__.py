"""Tool adapters: one protocol per capability, an embedded provider and a real HTTP one."""
