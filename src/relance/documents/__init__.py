"""Documents Relance produces: the formal notice letter (mise en demeure) and the statement.

``letter`` and ``statement`` compute their figures purely (no Django, no clock);
``pdf`` renders them to PDF with Jinja2 and WeasyPrint; ``services`` reads the database
and is what the CLI, the web pages and the messaging service call.
"""
