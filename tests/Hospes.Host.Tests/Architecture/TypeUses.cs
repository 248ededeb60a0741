using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Hospes.Host.Tests.Architecture;

/// <summary>
/// What each type of an assembly uses, read from its metadata and IL: base types, interfaces, fields, signatures,
/// locals and every type, method and field its method bodies name. Nested and compiler-made types (lambdas, async
/// state machines) count as their outermost type.
/// </summary>
internal sealed class TypeUses
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _md;
    private readonly PEReader _pe;
    private readonly Names _names;

    private TypeUses(PEReader pe)
    {
        _pe = pe;
        _md = pe.GetMetadataReader();
        _names = new Names(_md);
    }

    /// <summary>Each outermost type (full name) with the full names of the types it uses.</summary>
    public Dictionary<string, HashSet<string>> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Each outermost type with the members it names, as "Type::Member".</summary>
    public Dictionary<string, HashSet<string>> Members { get; } = new(StringComparer.Ordinal);

    public static TypeUses Of(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var uses = new TypeUses(pe);
        foreach (TypeDefinitionHandle h in uses._md.TypeDefinitions)
        {
            uses.Read(h);
        }

        return uses;
    }

    private void Read(TypeDefinitionHandle handle)
    {
        TypeDefinition type = _md.GetTypeDefinition(handle);
        string owner = _names.Outermost(handle);
        if (owner.StartsWith('<'))
        {
            return; // <Module>, <PrivateImplementationDetails>
        }

        HashSet<string> types = Set(Types, owner);
        HashSet<string> members = Set(Members, owner);
        if (!type.BaseType.IsNil)
        {
            types.UnionWith(_names.Of(type.BaseType));
        }

        foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
        {
            types.UnionWith(_names.Of(_md.GetInterfaceImplementation(i).Interface));
        }

        foreach (FieldDefinitionHandle f in type.GetFields())
        {
            types.UnionWith(_md.GetFieldDefinition(f).DecodeSignature(_names, null));
        }

        foreach (MethodDefinitionHandle m in type.GetMethods())
        {
            MethodDefinition method = _md.GetMethodDefinition(m);
            MethodSignature<IEnumerable<string>> sig = method.DecodeSignature(_names, null);
            types.UnionWith(sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(p => p)));
            if (method.RelativeVirtualAddress != 0)
            {
                ReadBody(_pe.GetMethodBody(method.RelativeVirtualAddress), types, members);
            }
        }
    }

    private void ReadBody(MethodBodyBlock body, HashSet<string> types, HashSet<string> members)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (IEnumerable<string> local in _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_names, null))
            {
                types.UnionWith(local);
            }
        }

        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (Operands[code])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    EntityHandle token = MetadataTokens.EntityHandle(il.ReadInt32());
                    types.UnionWith(_names.Of(token));
                    if (_names.Member(token) is { } member)
                    {
                        members.Add(member);
                    }

                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
            }
        }
    }

    private static HashSet<string> Set(Dictionary<string, HashSet<string>> map, string key) =>
        map.TryGetValue(key, out HashSet<string>? set) ? set : map[key] = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Full names of the types a handle or signature involves (generic arguments included).</summary>
    private sealed class Names(MetadataReader md) : ISignatureTypeProvider<IEnumerable<string>, object?>
    {
        public string Outermost(TypeDefinitionHandle h)
        {
            TypeDefinition t = md.GetTypeDefinition(h);
            return t.GetDeclaringType() is { IsNil: false } outer ? Outermost(outer) : $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}";
        }

        public IEnumerable<string> Of(EntityHandle h) => h.Kind switch
        {
            HandleKind.TypeDefinition => [Outermost((TypeDefinitionHandle)h)],
            HandleKind.TypeReference => [Reference((TypeReferenceHandle)h)],
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(this, null),
            HandleKind.MethodDefinition => [Outermost(md.GetMethodDefinition((MethodDefinitionHandle)h).GetDeclaringType())],
            HandleKind.FieldDefinition => [Outermost(md.GetFieldDefinition((FieldDefinitionHandle)h).GetDeclaringType())],
            HandleKind.MemberReference => OfMemberReference((MemberReferenceHandle)h),
            HandleKind.MethodSpecification => Of(md.GetMethodSpecification((MethodSpecificationHandle)h).Method)
                .Concat(md.GetMethodSpecification((MethodSpecificationHandle)h).DecodeSignature(this, null).SelectMany(a => a)),
            _ => [],
        };

        /// <summary>"Type::Member" for a method or field of this assembly, else null.</summary>
        public string? Member(EntityHandle h) => h.Kind switch
        {
            HandleKind.MethodDefinition => $"{Outermost(md.GetMethodDefinition((MethodDefinitionHandle)h).GetDeclaringType())}::{md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)h).Name)}",
            HandleKind.FieldDefinition => $"{Outermost(md.GetFieldDefinition((FieldDefinitionHandle)h).GetDeclaringType())}::{md.GetString(md.GetFieldDefinition((FieldDefinitionHandle)h).Name)}",
            HandleKind.MethodSpecification => Member(md.GetMethodSpecification((MethodSpecificationHandle)h).Method),
            _ => null,
        };

        public IEnumerable<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public IEnumerable<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [Outermost(handle)];

        public IEnumerable<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [Reference(handle)];

        public IEnumerable<string> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public IEnumerable<string> GetSZArrayType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetArrayType(IEnumerable<string> elementType, ArrayShape shape) => elementType;

        public IEnumerable<string> GetByReferenceType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetPointerType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetPinnedType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetGenericInstantiation(IEnumerable<string> genericType, ImmutableArray<IEnumerable<string>> typeArguments) =>
            genericType.Concat(typeArguments.SelectMany(a => a));

        public IEnumerable<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public IEnumerable<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public IEnumerable<string> GetFunctionPointerType(MethodSignature<IEnumerable<string>> signature) =>
            signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p));

        public IEnumerable<string> GetModifiedType(IEnumerable<string> modifier, IEnumerable<string> unmodifiedType, bool isRequired) => unmodifiedType;

        private IEnumerable<string> OfMemberReference(MemberReferenceHandle h)
        {
            MemberReference m = md.GetMemberReference(h);
            IEnumerable<string> parent = Of(m.Parent);
            return m.GetKind() == MemberReferenceKind.Field
                ? parent.Concat(m.DecodeFieldSignature(this, null))
                : parent.Concat(m.DecodeMethodSignature(this, null) is var sig ? sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(p => p)) : []);
        }

        private string Reference(TypeReferenceHandle h)
        {
            TypeReference t = md.GetTypeReference(h);
            return t.ResolutionScope.Kind == HandleKind.TypeReference
                ? Reference((TypeReferenceHandle)t.ResolutionScope)
                : $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}";
        }
    }
}
