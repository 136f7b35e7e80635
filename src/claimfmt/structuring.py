"""JSON values <-> model objects, with cattrs.

Structuring is strict: a key the schema does not define, a missing required key,
or a value of the wrong JSON type is an error (cattrs on its own would turn
``5`` into ``"5"``). Every problem in a document is reported at once, each as an
:class:`~claimfmt.issues.Issue` with its JSON pointer.
"""

from __future__ import annotations

import enum
import functools
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, SupportsIndex, TypeVar

import attrs
import cattrs
import orjson
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from claimfmt import jsontext, model
from claimfmt.issues import DocumentError, Issue, escape_pointer_token, json_type

__all__ = [
    "as_json",
    "claim_by_claim",
    "evolve",
    "extensions_of",
    "for_msgspec",
    "json_copy",
    "json_fields",
    "json_keys",
    "holding",
    "parts_json",
    "structure",
    "structure_valid",
    "structure_valid_json",
    "trusted",
    "unbuilt_claims",
    "unstructure",
    "without_claims",
]

T = TypeVar("T")

# Python attribute -> JSON key, where a JSON key is a Python keyword.
_RENAMED = {"from_": "from"}
# The only fields whose JSON value may be null (the schema's ["string", "null"]).
_NULLABLE: dict[type, tuple[str, ...]] = {model.Source: ("name",)}


def _is_optional(target: Any) -> bool:
    args = getattr(target, "__args__", ())
    return type(None) in args and len(args) == 2 and target is not (int | float | None)


def _expected(target: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer"}
    if target in names:
        return names[target]
    if attrs.has(target) or getattr(target, "__origin__", None) in {dict, Mapping}:
        return "an object"
    if getattr(target, "__origin__", None) is tuple:
        return "an array"
    return "a value"


class _WrongType(TypeError):
    def __init__(self, expected: str, value: object) -> None:
        super().__init__(f"expected {expected}, got {json_type(value)}")


def _strict(kind: type, expected: str) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        # bool is an int subclass in Python but not a JSON number.
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise _WrongType(expected, value)
        return value

    return hook


def _integer(value: Any, _: Any) -> int:
    # JSON Schema counts 3.0 as an integer; so must we, or load and validate would disagree.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongType("an integer", value)
    if not -model.PORTABLE_INTEGER <= value <= model.PORTABLE_INTEGER:
        # The schema's maximum: no JSON reader takes such an integer exactly (orjson does not write it).
        raise ValueError(f"expected an integer within ±(2**63 - 1), got {value}")
    return value


def _number(value: Any, _: Any) -> int | float | None:
    # Only reached for a present key: an absent optional number never gets here, and null is wrong.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _WrongType("a number", value)
    return value


def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    allowed = ", ".join(str(member.value) for member in cls)

    def hook(value: Any, _: Any) -> enum.Enum:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"expected one of {allowed}, got {value!r}") from None

    return hook


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True, detailed_validation=True)
    conv.register_structure_hook(str, _strict(str, "a string"))
    conv.register_structure_hook(bool, _strict(bool, "a boolean"))
    conv.register_structure_hook(int, _integer)
    conv.register_structure_hook(int | float, _number)
    conv.register_structure_hook(int | float | None, _number)
    conv.register_structure_hook(Any, lambda value, _: value)
    # Registered per class: the model's enums are str subclasses, and a dispatch on
    # the class beats the str hook where a predicate would not.
    for vocabulary in _model_classes(enum.Enum):
        conv.register_structure_hook(vocabulary, _enum_hook(vocabulary))
        conv.register_unstructure_hook(vocabulary, lambda member: member.value)

    # Sequences become JSON arrays (lists), so that unstructured output equals parsed JSON; each item by its
    # declared type's hook, found once (not looked up again for every item, as conv.unstructure does).
    def array_hook(sequence: Any) -> Callable[[Any], list[Any]]:
        args: tuple[Any, ...] = getattr(sequence, "__args__", ())
        item = conv.get_unstructure_hook(args[0]) if len(args) == 2 and args[1] is Ellipsis else conv.unstructure
        return lambda value: [item(v) for v in value]

    conv.register_unstructure_hook_factory(lambda t: getattr(t, "__origin__", None) is tuple, array_hook)

    conv.register_unstructure_hook_func(lambda t: t in (model.Extensions, model.Extensions | None), json_copy)

    # An optional key is absent or has a value; null is a value only where the schema says so.
    def optional_hook(union: Any) -> Callable[[Any, Any], Any]:
        (inner,) = [t for t in union.__args__ if t is not type(None)] or [Any]
        expected = _expected(inner)

        def hook(value: Any, _: Any) -> Any:
            if value is None:
                raise _WrongType(expected, value)
            return conv.structure(value, inner)

        return hook

    conv.register_structure_hook_factory(_is_optional, optional_hook)

    def structure_factory(cls: type) -> Callable[[Any, Any], Any]:
        overrides: dict[str, Any] = {
            a.name: override(rename=_RENAMED[a.name]) for a in attrs.fields(cls) if a.name in _RENAMED
        }
        for name in _NULLABLE.get(cls, ()):
            overrides[name] = override(struct_hook=lambda v, _: None if v is None else conv.structure(v, str))
        generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True, **overrides
        )

        def hook(value: Any, target: Any) -> Any:
            if not isinstance(value, dict):
                raise _WrongType("an object", value)
            return generated(value, target)

        return hook

    def unstructure_factory(cls: type) -> Callable[[Any], Any]:
        overrides: dict[str, Any] = {
            a.name: override(rename=_RENAMED[a.name]) for a in attrs.fields(cls) if a.name in _RENAMED
        }
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides)

    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    return conv


def json_copy(value: Any) -> Any:
    """A copy of free JSON (extensions) as :func:`unstructure` makes it: what is not JSON made so (a float
    infinity is null, as orjson writes it).

    Copied in C (orjson) rather than walked value by value in Python, which cost most of a tool writer's time
    where a reader keeps a tool's tokens there (and a value nested deeper than orjson writes, by Python's
    encoder). Numbers orjson cannot write (beyond 64 bits) take the slow walk.
    """
    try:
        return orjson.loads(jsontext.dumps(value))
    except TypeError:
        return {key: _converter.unstructure(item) for key, item in value.items()}


def _model_classes(base: type) -> list[type]:
    return [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, base) and c is not base]


for _cls in vars(model).values():
    if isinstance(_cls, type) and attrs.has(_cls):
        attrs.resolve_types(_cls, globalns=vars(model))

_converter = _make_converter()


def structure(data: Any, cls: type[T] = model.Document) -> T:  # type: ignore[assignment]
    """A model object from parsed JSON; :class:`DocumentError` lists every problem."""
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, _WrongType, ValueError) as exc:
        raise DocumentError(_issues(exc, "")) from None


def structure_valid(data: Any, cls: type[T]) -> T:
    """:func:`structure`, in one C pass (msgspec) where ``data`` is valid under the schema's definition of ``cls``.

    For a reader that builds parts of a document (a claim's attributions, its verifications) from input
    of unknown quality: what the schema takes, msgspec and cattrs build alike; anything else goes
    through :func:`structure`, which names every problem.
    """
    fast = _FAST[cls] if cls in _FAST else _fast_way(cls)
    if fast is not None and fast.valid(data):
        try:
            return fast.convert(data, cls, strict=True)  # type: ignore[no-any-return]
        except fast.error:  # JSON msgspec would have to change to hold (an offset written 3.0)
            pass
    return structure(data, cls)


def structure_valid_json(data: Any, cls: type) -> Any:
    """The JSON ``unstructure(structure_valid(data, cls))`` gives, made without building the model: ``data``'s
    keys in the order :func:`unstructure` writes them, an integer written ``3.0`` as ``3``, extensions copied
    (:func:`json_copy`).

    For a reader that makes a document's JSON from parts of input of unknown quality, and gives the document
    back unbuilt (:func:`deferred`); raises :class:`DocumentError` where ``data`` is not valid under the
    schema's definition of ``cls``, naming every problem as :func:`structure` does.
    """
    fast = _FAST[cls] if cls in _FAST else _fast_way(cls)
    if fast is None or not fast.valid(data):
        return unstructure(structure(data, cls))
    return _in_order(cls)(data)


def json_fields(cls: type) -> list[attrs.Attribute[Any]]:
    """A model class's fields in the order :func:`unstructure` writes their keys: the required ones first
    (cattrs writes them unconditionally, then each optional one that has a value)."""
    return sorted((a for a in attrs.fields(cls) if a.init), key=lambda a: a.default is not attrs.NOTHING)


def json_keys(cls: type) -> list[str]:
    """The keys of a model class's JSON in the order :func:`unstructure` writes them (:func:`json_fields`)."""
    return [_RENAMED.get(field.name, field.name) for field in json_fields(cls)]


@functools.cache
def _in_order(cls: type) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function giving a valid object of ``cls``'s JSON as :func:`unstructure` writes it.

    Its code is written for the class, as cattrs writes its own: a key is one test and one store.
    """
    space: dict[str, Any] = {}
    lines = ["def in_order(data):", "    out = {}"]
    for n, field in enumerate(json_fields(cls)):
        key = _RENAMED.get(field.name, field.name)
        made = _value_in_order(field.type)
        value = f"data[{key!r}]"
        if made is not None:
            space[f"made{n}"] = made
            value = f"made{n}({value})"
        # A valid object has every required key.
        test = "" if field.default is attrs.NOTHING else f"if {key!r} in data: "
        lines.append(f"    {test}out[{key!r}] = {value}")
    lines.append("    return out")
    exec("\n".join(lines), space)  # the keys are the model's own (and written as literals), never data
    return space["in_order"]  # type: ignore[no-any-return]


def _value_in_order(hint: Any) -> Callable[[Any], Any] | None:
    """What :func:`_in_order` does to a valid value of a field of type ``hint``; None: nothing."""
    args = typing.get_args(hint)
    if type(None) in args and len(args) == 2:
        hint = args[0] if args[1] is type(None) else args[1]
        args = typing.get_args(hint)
    if hint is int:
        return _integer_value
    if hint == model.Extensions:
        return json_copy
    if attrs.has(hint):
        return _in_order(hint)
    if typing.get_origin(hint) is tuple and attrs.has(args[0]):
        item = _in_order(args[0])
        return lambda values: [item(value) for value in values]
    return None


def _integer_value(value: Any) -> int:
    return value if type(value) is int else int(value)  # valid: a whole number, written 3.0 perhaps


class _FastWay(NamedTuple):
    """What building a class the fast way takes, looked up once (a reader structures thousands of parts)."""

    valid: Callable[[Any], bool]  # the schema's check of the class's definition
    convert: Callable[..., Any]  # msgspec.convert
    error: type[Exception]  # msgspec.ValidationError


_FAST: dict[type, _FastWay | None] = {}


def _fast_way(cls: type) -> _FastWay | None:
    definition = _DEFINITIONS.get(cls)
    if definition is None:
        _FAST[cls] = None
        return None
    import msgspec  # loaded with the first conversion: validating needs no model

    from claimfmt.schema_check import span_lenient_validator
    from claimfmt.versions import CURRENT_VERSION

    found = _FAST[cls] = _FastWay(
        span_lenient_validator(CURRENT_VERSION, definition).is_valid, msgspec.convert, msgspec.ValidationError
    )
    return found


#: Model classes built the fast way, by the name of their definition in the schema (no renamed fields).
_DEFINITIONS: dict[type, str] = {
    model.Article: "article",
    model.Attribution: "attribution",
    model.Provenance: "provenance",
    model.Source: "source",
    model.Verification: "verification",
}


def unstructure(obj: Any) -> Any:
    """Plain JSON values (dicts, lists, strings, numbers) from a model object; absent fields are left out."""
    return _converter.unstructure(obj)


def trusted(data: dict[str, Any], *, issues: Sequence[Issue] | None = None) -> model.Document:
    """A Document from the JSON of a document that was validated (schema and checks) as the current version.

    Built by msgspec in one C pass, several times faster than :func:`structure`, which is for
    JSON of unknown quality (it names every problem). The Document keeps ``data`` as its JSON
    (:func:`as_json`), so ``data`` must not be changed afterwards. JSON that msgspec would have
    to change to hold (an offset written ``3.0``) goes the strict way, and is not kept.
    """
    document = _by_msgspec(data)
    if document is None:
        return structure(data, model.Document)
    holding(document, data)
    if issues is not None:
        object.__setattr__(document, "_issues", tuple(issues))
    return document


def _by_msgspec(data: dict[str, Any]) -> model.Document | None:
    """The model of a valid document's JSON, built by msgspec; None where msgspec would have to change a value."""
    import msgspec  # loaded with the first conversion: validating needs no model

    relations = data.get("relations")
    shaped = {**data, "relations": for_msgspec(relations)} if relations else data
    try:
        document: model.Document = msgspec.convert(shaped, model.Document, strict=True)
    except msgspec.ValidationError:
        return None
    return document


def deferred(data: dict[str, Any], *, issues: Sequence[Issue] | None = None) -> model.Document:
    """:func:`trusted`, the model built on first use: for a reader whose document may go to the claimfmt writer,
    which writes its JSON and needs no model (building it was up to a sixth of reading a tool's file back).

    ``data`` is the document's JSON, as for :func:`trusted`, and stays its JSON: where msgspec cannot hold it
    (an offset written ``3.0``), the model is built the strict way, and the JSON is written as it is.
    """
    document = _Deferred.__new__(_Deferred)
    object.__setattr__(document, "_by_id", None)
    object.__setattr__(document, "_json", data)
    object.__setattr__(document, "_issues", None if issues is None else tuple(issues))
    return document


class _Deferred(model.Document):
    """A Document whose fields are set from its JSON the first time one is asked for; it is a Document then.

    Until then its field slots are unset, so that asking for one comes to :meth:`__getattr__`. Any field but
    the claims builds every field but the claims (a writer asking the article's text need not build the
    claims, most of a document, whose JSON it writes from); the claims build the rest. Comparing, hashing,
    copying and pickling build it whole first, and it becomes a plain Document (the same slots).
    """

    __slots__ = ()

    def __init__(self, **fields: Any) -> None:  # attrs.evolve makes one of its class: made whole, a Document
        model.Document.__init__(self, **fields)
        object.__setattr__(self, "__class__", model.Document)

    def __getattr__(self, name: str) -> Any:
        if name not in _DEFERRED_FIELDS:
            raise AttributeError(name)
        if name == "claims":
            return self._built().claims
        head = _head_built(object.__getattribute__(self, "_json"))
        for field in _HEAD_FIELDS:
            object.__setattr__(self, field, getattr(head, field))
        return getattr(head, name)

    def _built(self) -> model.Document:
        data: dict[str, Any] = object.__getattribute__(self, "_json")
        try:
            object.__getattribute__(self, "id")
        except AttributeError:  # nothing built yet: all at once
            built = _by_msgspec(data)
            if built is None:
                built = structure(data, model.Document)
            for name in _DEFERRED_FIELDS:
                object.__setattr__(self, name, getattr(built, name))
        else:  # the head built already: its objects stay (a writer may know its parts by identity)
            object.__setattr__(self, "claims", _claims_built(data))
        object.__setattr__(self, "__class__", model.Document)
        return self

    def __eq__(self, other: object) -> bool:
        return self._built() == other

    __hash__ = model.Document.__hash__

    def __repr__(self) -> str:
        return repr(self._built())

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        return self._built().__reduce_ex__(protocol)


_DEFERRED_FIELDS = frozenset(field.name for field in attrs.fields(model.Document) if field.init)
_HEAD_FIELDS = _DEFERRED_FIELDS - {"claims"}


def _head_built(data: dict[str, Any]) -> model.Document:
    """The model of a valid document's JSON without its claims."""
    head = {**data, "claims": []}
    return _by_msgspec(head) or structure(head, model.Document)


def _claims_built(data: dict[str, Any]) -> tuple[model.Claim, ...]:
    """The models of a valid document's claims."""
    import msgspec

    try:
        claims: tuple[model.Claim, ...] = msgspec.convert(data["claims"], tuple[model.Claim, ...], strict=True)
    except msgspec.ValidationError:  # a value msgspec would have to change (an offset written 3.0)
        claims = structure(data, model.Document).claims
    return claims


def holding(document: model.Document, data: dict[str, Any]) -> model.Document:
    """``document``, holding ``data`` as its JSON (:func:`as_json`): for a reader that made each part's JSON
    on the way. ``data`` must be what :func:`unstructure` gives, key order included."""
    object.__setattr__(document, "_json", data)  # frozen: set once, like _by_id
    return document


def for_msgspec(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Relations' JSON as msgspec reads them into the model: it knows attributes by their Python names
    (``Relation.from_`` is ``from`` in JSON)."""
    return [{**relation, "from_": relation["from"]} for relation in relations]


def extensions_of(document: model.Document) -> Mapping[str, Any]:
    """The document's extensions (empty where it has none), asked of the JSON it holds where it holds one: its
    model may not be built yet (:func:`deferred`), and a writer or reader asking only this need not build it."""
    held = document._json
    return (held.get("extensions") if held is not None else document.extensions) or {}


def as_json(document: model.Document, *, keep: bool = False) -> dict[str, Any]:
    """The document's JSON: what it was read from (see :func:`trusted`), else unstructured.

    Shared, not copied: read it, never change it (:func:`unstructure` gives a copy of one's own).
    With ``keep``, JSON unstructured here is kept on the document for the next call (a pipeline that
    validates a document, then writes it); without, a long-lived document does not hold it twice.
    """
    found = document._json
    if found is None:
        found = unstructure(document)
        if keep:
            object.__setattr__(document, "_json", found)
    return found


def _issues(exc: BaseException, pointer: str) -> Iterator[Issue]:
    if isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield Issue(
                code="unknown-key",
                pointer=f"{pointer}/{escape_pointer_token(key)}",
                message=f"unknown key {key!r}",
                hint="keep what has no field under a namespaced key in extensions",
            )
    elif isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            yield from _issues(sub, pointer + _note_token(sub))
    elif isinstance(exc, KeyError):
        # A missing required key: reported at the object that lacks it, as JSON Schema does.
        parent, _, key = pointer.rpartition("/")
        yield Issue(code="missing-key", pointer=parent, message=f"required key {key!r} is missing")
    elif isinstance(exc, _WrongType):
        yield Issue(code="wrong-type", pointer=pointer, message=str(exc))
    else:
        yield Issue(code="wrong-value", pointer=pointer, message=str(exc))


def _note_token(exc: BaseException) -> str:
    for note in reversed(getattr(exc, "__notes__", ())):
        if isinstance(note, AttributeValidationNote):
            return "/" + escape_pointer_token(_RENAMED.get(note.name, note.name))
        if isinstance(note, IterableValidationNote):
            return f"/{note.index}"
    return ""


def claim_by_claim(document: model.Document) -> tuple[dict[str, Any], Iterable[dict[str, Any]]]:
    """The document's JSON, and each claim's: those it holds, or, where it holds none (a large document read
    part by part), its JSON without claims and each claim's made as it is asked for, not all at once."""
    if document._json is not None:
        return document._json, document._json["claims"]
    return as_json(attrs.evolve(document, claims=())), (unstructure(claim) for claim in document.claims)


def unbuilt_claims(document: model.Document) -> list[dict[str, Any]] | None:
    """The claims' JSON of a document whose claims are not built yet (:func:`deferred`), else None: a writer
    that needs only some of them in the model can leave the others unbuilt."""
    if type(document) is not _Deferred:
        return None
    data = document._json
    assert data is not None  # a deferred document holds its JSON
    claims: list[dict[str, Any]] = data["claims"]
    return claims


def without_claims(document: model.Document) -> model.Document:
    """The document with no claims: the head a writer that takes each claim from its JSON (:func:`claim_by_claim`)
    needs. Made from the JSON where the model is not built yet (:func:`deferred`): the claims' never are."""
    if type(document) is _Deferred:
        data = document._json
        assert data is not None  # a deferred document holds its JSON
        return deferred({**data, "claims": []})
    return evolve(document, claims=())


def parts_json(document: model.Document) -> Callable[[Any], Any]:
    """A function giving the JSON of a part of ``document`` (its article, provenance, a source, a claim, a
    claim's verification, a relation, its extensions): the JSON the document holds (:func:`as_json`; shared:
    read it, never change it), else :func:`unstructure` made for it.

    For a writer that takes the parts of a document, some of them made anew (a source renamed, a claim left
    out), without unstructuring again what the document read already has as JSON. Parts are known by
    identity: a part made anew is unstructured, as is everything where the document holds no JSON.
    """
    data = document._json
    # By id, with the part itself: held here, none of them can go and leave its id to another object.
    held: dict[int, tuple[Any, Any]] = {}

    def hold(parts: Iterable[Any], jsons: Iterable[Any]) -> None:
        held.update((id(item), (item, json)) for item, json in zip(parts, jsons, strict=True))

    if data is not None:
        hold([document.article], [data["article"]])
        if document.provenance is not None:
            hold([document.provenance], [data["provenance"]])
        hold(document.sources, data["sources"])
        hold(document.relations or (), data.get("relations") or ())
        hold(document.claims, data["claims"])
        for claim, json in zip(document.claims, data["claims"], strict=True):
            hold(claim.verifications or (), json.get("verifications", ()))

    def part(obj: Any) -> Any:
        found = held.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        # A part's extensions (free JSON, of any depth) are copied as a field holding them is.
        return _converter.unstructure(obj, model.Extensions) if type(obj) is dict else unstructure(obj)

    return part


_DOCUMENT_FIELDS = {field.name: field.type for field in attrs.fields(model.Document) if field.init}


def evolve(document: model.Document, *, made: Mapping[str, Any] | None = None, **changes: Any) -> model.Document:
    """``attrs.evolve`` for a Document, keeping the JSON it holds (:func:`as_json`) in step.

    Only the changed fields are unstructured, and of changed claims and sources only the items that are
    not among the objects the document had (items left out or reordered keep theirs); ``attrs.evolve``
    would drop the JSON, and the next writer or validator would make it all again. ``made`` gives the
    JSON of changed fields where the caller made it already (what :func:`unstructure` would give).
    """
    new = attrs.evolve(document, **changes)
    data = document._json
    if data is not None:
        fresh: dict[str, Any] = {}
        for name, kind in _DOCUMENT_FIELDS.items():  # in the model's order, as unstructure writes them
            if name not in changes:
                if name in data:
                    fresh[name] = data[name]
            elif made is not None and name in made:
                fresh[name] = made[name]
            elif name in _ITEMS:
                # Items kept (some left out, or in another order) keep their JSON: known by identity, while
                # the document holds them, so that no new item can have one's id.
                before = {id(old): (old, json) for old, json in zip(getattr(document, name), data[name], strict=True)}
                fresh[name] = [
                    found[1] if (found := before.get(id(item))) is not None and found[0] is item else unstructure(item)
                    for item in changes[name]
                ]
            elif changes[name] is not None:
                fresh[name] = _converter.unstructure(changes[name], unstructure_as=kind)
        object.__setattr__(new, "_json", fresh)
    return new


#: The document's lists whose items :func:`evolve` keeps the JSON of where they are unchanged.
_ITEMS = frozenset({"claims", "sources"})
