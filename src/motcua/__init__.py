"""motcua: administrative procedure settlement information system (one-stop shop)."""

import warnings

__version__ = "0.1.0"

# pyHanko (pyhanko/sign/signers/pdf_cms.py) imports cryptography's DSAPrivateKey for its
# isinstance checks; since cryptography 46 that import emits CryptographyDeprecationWarning
# "DSA is deprecated ...", printed on stderr of every `motcua` command and gunicorn start.
# motcua never signs or verifies with DSA. Only this warning from pyHanko's modules is silenced;
# drop the filter once pyHanko stops importing the DSA types.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
