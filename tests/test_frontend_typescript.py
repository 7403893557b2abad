"""The TypeScript reader: what it makes of the ways a frontend writes its models and enums."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from vectra_lint.frontend.translations import translation_keys
from vectra_lint.frontend.typescript import FrontendModels, TsEnumMember, TsType, read_folder, read_source


def _models(source: str) -> FrontendModels:
    models = FrontendModels()
    models.add(*read_source(textwrap.dedent(source).encode(), "models.ts"))
    return models


def _shape(models: FrontendModels, name: str) -> dict[str, tuple[str, bool, bool]] | None:
    """name -> (type kind, optional, nullable) of each member."""
    members = models.members(name)
    if members is None:
        return None
    return {key: (member.type.kind, member.optional, member.nullable) for key, member in members.items()}


def test_interface_members_optional_undefined_and_null() -> None:
    models = _models(
        """
        export interface User {
          id: number;
          name?: string;
          nick: string | undefined;
          email: string | null;
          readonly tags: string[];
          roles: Array<Role>;
          meta: Record<string, unknown>;
          "display-name": string;
          greet(): string;
          [key: string]: unknown;
        }
        """
    )
    assert _shape(models, "User") == {
        "id": ("number", False, False),
        "name": ("string", True, False),
        "nick": ("string", True, False),
        "email": ("string", False, True),
        "tags": ("list", False, False),
        "roles": ("list", False, False),
        "meta": ("object", False, False),
        "display-name": ("string", False, False),
    }
    members = models.members("User")
    assert members is not None
    assert members["roles"].type == TsType("list", args=(TsType("name", "Role"),))
    assert members["email"].text == "string | null"
    assert models.objects["User"].line == 2


def test_interface_extends_and_utility_types() -> None:
    models = _models(
        """
        interface Base { id: number; created_at: string }
        export interface Detail extends Base { title: string; id: number | null }
        export interface Slim extends Omit<Base, "created_at"> { }
        export type Draft = Partial<Base> & { title: string };
        export type Picked = Pick<Base, "id">;
        export type Same = Base;
        """
    )
    assert _shape(models, "Detail") == {
        "id": ("number", False, True),
        "created_at": ("string", False, False),
        "title": ("string", False, False),
    }
    assert _shape(models, "Slim") == {"id": ("number", False, False)}
    assert _shape(models, "Draft") == {
        "id": ("number", True, False),
        "created_at": ("string", True, False),
        "title": ("string", False, False),
    }
    assert _shape(models, "Picked") == {"id": ("number", False, False)}
    assert _shape(models, "Same") == {"id": ("number", False, False), "created_at": ("string", False, False)}


def test_classes_with_extends_parameter_properties_and_hidden_members() -> None:
    models = _models(
        """
        export class Entity {
          id!: number;
          static table = "entities";
          #cache = 1;
          private secret: string;
        }
        export class Document extends Entity {
          title?: string;
          constructor(public readonly owner: string, readonly note?: string, local: number) {
            super();
          }
          render(): string { return this.title ?? ""; }
        }
        """
    )
    assert _shape(models, "Document") == {
        "id": ("number", False, False),
        "title": ("string", True, False),
        "owner": ("string", False, False),
        "note": ("string", True, False),
    }


def test_an_unknown_base_or_construct_makes_members_unknown() -> None:
    models = _models(
        """
        export interface A extends Imported { x: string }
        export type B = { x: string } | { y: number };
        export type C = { [K in keyof A]: string };
        """
    )
    assert models.members("A") is None
    assert "B" not in models.objects
    assert models.members("C") is None
    assert models.members("Nowhere") is None


def test_enums_and_as_const_objects() -> None:
    models = _models(
        """
        export enum Status { PENDING = "pending", FAILED = 'failed' }
        export const enum Level { LOW, MID = 5, HIGH, NEG = -1 }
        export const Role = { ADMIN: "admin", "VIEW-ONLY": "viewer", LIMIT: 3 } as const;
        export type Role = (typeof Role)[keyof typeof Role];
        export const Kind = { A: "a" } as const satisfies Record<string, string>;
        export const NotAnEnum = { A: "a" };
        """
    )
    assert models.enums["Status"].members == (
        TsEnumMember("PENDING", ("string", "pending")),
        TsEnumMember("FAILED", ("string", "failed")),
    )
    assert [(m.name, m.value) for m in models.enums["Level"].members] == [
        ("LOW", ("number", "0")),
        ("MID", ("number", "5")),
        ("HIGH", ("number", "6")),
        ("NEG", ("number", "-1")),
    ]
    assert models.enums["Role"].kind == "const"
    assert [(m.name, m.value) for m in models.enums["Role"].members] == [
        ("ADMIN", ("string", "admin")),
        ("VIEW-ONLY", ("string", "viewer")),
        ("LIMIT", ("number", "3")),
    ]
    assert [m.name for m in models.enums["Kind"].members] == ["A"]
    assert "NotAnEnum" not in models.enums
    # The enum's companion type alias is not an object type.
    assert "Role" not in models.objects


def test_read_folder_names_files_from_the_root_and_skips_dependencies(tmp_path: Path) -> None:
    folder = tmp_path / "frontend" / "src" / "models"
    (folder / "nested").mkdir(parents=True)
    (folder / "nested" / "a.ts").write_text("export interface A { x: string }\n", encoding="utf-8")
    (folder / "b.tsx").write_text("export interface B { y: number }\nexport const V = () => <div/>;\n", "utf-8")
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "c.ts").write_text("export interface C { z: string }\n", encoding="utf-8")
    models = read_folder(folder, tmp_path / "backend")
    assert sorted(models.objects) == ["A", "B"]
    assert models.objects["A"].path == "../frontend/src/models/nested/a.ts"
    assert models.files == 2


def test_translation_keys_of_json_and_script_files(tmp_path: Path) -> None:
    json_file = tmp_path / "errors.json"
    json_file.write_text('{"errors": {"A_B": "x", "nested": [{"C": "y"}]}}', encoding="utf-8")
    script = tmp_path / "errors.ts"
    script.write_text(
        "export default {\n  ERR_ONE: 'one',\n  'ERR-TWO': `two`,\n  group: { ERR_THREE: 'three' },\n};\n",
        encoding="utf-8",
    )
    assert translation_keys(json_file) == {"errors", "A_B", "nested", "C"}
    assert translation_keys(script) == {"ERR_ONE", "ERR-TWO", "group", "ERR_THREE"}


def test_tree_sitter_is_not_imported_by_a_run_without_frontend(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vectra-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text('"""Doc."""\n', encoding="utf-8")
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom vectra_lint.cli import main\n"
        f"CliRunner().invoke(main, ['check', {str(tmp_path)!r}, '--jobs', '1'])\n"
        "print('tree_sitter' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
