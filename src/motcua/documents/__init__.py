"""Electronic results, digital signatures, verification and digitised documents (issue 8).

Dependency direction: ``records`` may import ``documents`` (``records.services.processing`` asks
``documents.selectors.result_signed`` before "result ready"). ``documents`` refers to records only
through the string foreign key ``"records.Record"`` in its models and imports records modules
lazily, inside the functions that render a record's result or read its lookup data, so importing
``documents`` never imports ``records`` (no import cycle). See docs/signatures.md.
"""
