"""``makemessages`` without fuzzy matching.

GNU msgmerge's fuzzy matching guesses a translation for every new string from a similar old
one ("Expected a list." got the translation of "Specialist"); those guesses are never shown
(compilemessages skips fuzzy entries) but they mislead whoever translates next. New strings
therefore arrive empty, and tools/i18n reports how many are left to translate.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
