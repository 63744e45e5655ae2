"""The improvement loop: waste workshops, ideas, Gemba, A3 sheets, actions and PDCA.

The records live in the app database (`karsta.improve.models`, changed through
`karsta.improve.records.ImprovementRecords`, which keeps the history); the
calculations are plain functions: `time_savings`, `metric_impact`,
`improvement_status`, `a3_from_finding`, `a3_pdf`.
"""
