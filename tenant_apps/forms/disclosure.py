"""The consumer disclosure a patient accepts before signing electronically
(ESIGN Act, 15 U.S.C. 7001(c); UETA). Shown with every form a link serves
(tenant_apps/forms/patient.py); a signature records the version accepted, and a
response's `shown_hash` covers this exact text, so a later wording is a new
version and never changes what an earlier patient was shown.

Change the text only together with the version.
"""

from __future__ import annotations

DISCLOSURE_VERSION = "2026-12-01"

DISCLOSURE_TEXT = """\
Consent to use electronic records and signatures

{spa_name} asks you to sign forms (medical history, treatment consents, photo \
consent and policies) electronically. Before you agree, please read this.

1. Paper copies. You may ask for any form on paper instead, and for a paper \
copy of anything you sign electronically, at no charge: ask at the front desk \
or contact the spa by phone or email.

2. Withdrawing your consent. You may withdraw your consent to electronic \
records and signatures at any time by telling the front desk or contacting the \
spa. Withdrawing does not affect anything you signed before; afterwards, the \
spa will give you its forms on paper, which may mean filling them in at the \
desk before your treatment.

3. What this covers. Your consent covers the forms on this page and the forms \
the spa asks you to sign for your visits, until you withdraw it.

4. What you need. A phone, tablet or computer with a current web browser \
(recent Safari, Chrome, Firefox or Edge) with JavaScript on, an internet \
connection, and an email address or mobile number where the spa can reach you. \
To keep a copy you need a way to open PDF files or to print.

5. Your copy. After you sign, the spa sends you a link to a copy of the signed \
document (a PDF signed by the platform, so any change to it would show). You \
may also ask the spa for a copy at any time.

6. Keeping your details current. Tell the spa when your email address or \
mobile number changes, at the front desk or by contacting the spa, so that \
your copies and notices reach you.

By ticking the box you agree that you have read this, that you can open and \
keep these records, and that your electronic signature is as binding as your \
signature on paper.
"""


def disclosure_text(*, spa_name: str) -> str:
    """The disclosure as shown on a spa's pages (its name filled in)."""
    return DISCLOSURE_TEXT.format(spa_name=spa_name)
