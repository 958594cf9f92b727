"""The cluster's glossary: agreed English and Arabic terms (action A-4 of the 2017 plan)."""
