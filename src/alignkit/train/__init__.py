"""Training: one module per method (rm, dpo, sft, kto, orpo), losses, run bookkeeping."""
