"""The console's script and stylesheet (served by the console itself)."""

from pathlib import Path

from core.assets import AssetFolder

ASSETS = AssetFolder(
    Path(__file__).resolve().parent / "static" / "console",
    ("console.css", "console.js"),
    url_name="console:asset",
)
