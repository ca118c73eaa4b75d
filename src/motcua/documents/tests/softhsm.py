"""A SoftHSM2 token for the PKCS#11 tests (tools/ensure-softhsm installs SoftHSM2).

One token per test process, in a temporary directory of its own (``SOFTHSM2_CONF`` points to a
softhsm2.conf with its own ``tokendir``): a PKCS#11 module reads its configuration once per
process, when it is first loaded. Keys are imported per test under labels of their own, the way
an administrator loads a certificate and its key onto a USB token or an HSM."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from motcua.documents import keystore
from motcua.documents.models import SigningCredential

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "motcua-test"
USER_PIN = "246810"
SO_PIN = "13579135"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str


def create_token(directory: Path) -> Token:
    """Initialise a fresh token in ``directory`` and point this process at it."""
    assert shutil.which("softhsm2-util") and os.path.exists(MODULE), (
        "SoftHSM2 must be installed (tools/ensure-softhsm)"
    )
    tokens = directory / "tokens"
    tokens.mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN_LABEL,
            "--pin",
            USER_PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return Token(module=MODULE, label=TOKEN_LABEL, pin=USER_PIN)


def import_credential(token: Token, credential: SigningCredential) -> str:
    """Move the credential's key and certificate onto the token under a new label: the label is
    set on the credential and its stored PKCS#12 archive is dropped. Returns the label."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_named_curve_parameters

    key, certificate, _chain = keystore.unwrap(bytes(credential.pkcs12), bytes(credential.salt))
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    label = f"{credential.kind}-{uuid.uuid4().hex[:12]}"
    object_id = uuid.uuid4().bytes[:8]
    size = (key.curve.key_size + 7) // 8
    der = certificate.public_bytes(serialization.Encoding.DER)
    library = pkcs11.lib(token.module)
    with library.get_token(token_label=token.label).open(rw=True, user_pin=token.pin) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: encode_named_curve_parameters(key.curve.name),
                Attribute.VALUE: key.private_numbers().private_value.to_bytes(size, "big"),
                Attribute.LABEL: label,
                Attribute.ID: object_id,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
            }
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.VALUE: der,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.LABEL: label,
                Attribute.ID: object_id,
                Attribute.TOKEN: True,
            }
        )
    # The key now lives on the token only: a signature can come from nowhere else.
    credential.pkcs11_key_label = label
    credential.pkcs12 = b""
    credential.save(update_fields=["pkcs11_key_label", "pkcs12", "updated_at"])
    return label
