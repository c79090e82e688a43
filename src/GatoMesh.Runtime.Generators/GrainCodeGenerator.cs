using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GatoMesh.Runtime.Generators;

/// <summary>
/// For every grain interface (extends GatoMesh.Runtime.IGrain) in the compilation: one request class per
/// method (arguments as fields, method id, argument codec, a direct typed call of the grain method), a
/// proxy class, and an invoker (method id -> empty request). For every grain class (derives from
/// GatoMesh.Runtime.Grain, implements grain interfaces): a factory. A module initializer registers all of
/// it with GrainTypeRegistry when the assembly loads, so the call path uses no reflection.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    private const string GrainInterfaceName = "GatoMesh.Runtime.IGrain";
    private const string GrainBaseName = "GatoMesh.Runtime.Grain";

    /// <summary>Fully qualified, keeping nullable annotations so proxies match the interface exactly.</summary>
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly DiagnosticDescriptor UnsupportedMethod = new(
        "GM0001", "Unsupported grain method",
        "Grain method {0}.{1} is not supported: {2}",
        "GatoMesh.Runtime", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var interfaces = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct) as INamedTypeSymbol)
            .Where(static s => s is not null && IsGrainInterface(s))
            .Select(static (s, _) => DescribeInterface(s!))
            .Collect();
        var classes = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct) as INamedTypeSymbol)
            .Where(static s => s is not null && IsGrainClass(s))
            .Select(static (s, _) => DescribeClass(s!))
            .Collect();
        var assemblyName = context.CompilationProvider.Select(static (c, _) => c.AssemblyName ?? "assembly");
        context.RegisterSourceOutput(interfaces.Combine(classes).Combine(assemblyName), static (spc, input) =>
        {
            var ((ifaces, grainClasses), assembly) = input;
            Emit(spc, Distinct(ifaces), grainClasses.Distinct().ToImmutableArray(), assembly);
        });
    }

    private static ImmutableArray<InterfaceModel> Distinct(ImmutableArray<InterfaceModel> models) =>
        models.GroupBy(m => m.FullName).Select(g => g.First()).ToImmutableArray();

    private static bool IsGrainInterface(INamedTypeSymbol symbol) =>
        symbol.TypeKind == TypeKind.Interface
        && symbol.AllInterfaces.Any(i => i.ToDisplayString() == GrainInterfaceName);

    private static bool IsGrainClass(INamedTypeSymbol symbol)
    {
        if (symbol.TypeKind != TypeKind.Class || symbol.IsAbstract || symbol.IsGenericType) return false;
        for (var b = symbol.BaseType; b is not null; b = b.BaseType)
        {
            var name = b.OriginalDefinition.ToDisplayString();
            if (name == GrainBaseName || name.StartsWith(GrainBaseName + "<")) return true;
        }
        return false;
    }

    private static InterfaceModel DescribeInterface(INamedTypeSymbol symbol)
    {
        var methods = new List<MethodModel>();
        var errors = new List<string>();
        foreach (var iface in new[] { symbol }.Concat(symbol.AllInterfaces))
        {
            if (!iface.AllInterfaces.Any(i => i.ToDisplayString() == GrainInterfaceName)) continue;
            foreach (var member in iface.GetMembers().OfType<IMethodSymbol>())
            {
                if (member.MethodKind != MethodKind.Ordinary || member.IsStatic) continue;
                var model = DescribeMethod(iface, member, out var error);
                if (model is null) errors.Add($"{member.Name}|{error}");
                else methods.Add(model);
            }
        }
        return new InterfaceModel(
            symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            GrainTypeName(symbol),
            Mangle(symbol),
            methods.ToImmutableArray(),
            errors.ToImmutableArray(),
            symbol.Locations.FirstOrDefault());
    }

    /// <summary>The grain type name on the wire: the interface's namespace-qualified metadata name.</summary>
    private static string GrainTypeName(INamedTypeSymbol symbol) =>
        symbol.ContainingNamespace.IsGlobalNamespace
            ? symbol.MetadataName
            : symbol.ContainingNamespace.ToDisplayString() + "." + symbol.MetadataName;

    private static MethodModel? DescribeMethod(INamedTypeSymbol declaring, IMethodSymbol method, out string error)
    {
        error = "";
        if (method.IsGenericMethod)
        {
            error = "generic methods cannot be called remotely";
            return null;
        }
        if (method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            error = "ref, out and in parameters cannot cross the wire";
            return null;
        }
        var ret = method.ReturnType as INamedTypeSymbol;
        var retName = ret?.OriginalDefinition.ToDisplayString();
        ReturnKind kind;
        string resultType;
        switch (retName)
        {
            case "System.Threading.Tasks.Task":
                kind = ReturnKind.Task;
                resultType = "global::GatoMesh.Runtime.Invocation.VoidResult";
                break;
            case "System.Threading.Tasks.ValueTask":
                kind = ReturnKind.ValueTask;
                resultType = "global::GatoMesh.Runtime.Invocation.VoidResult";
                break;
            case "System.Threading.Tasks.Task<TResult>":
                kind = ReturnKind.TaskOfT;
                resultType = ret!.TypeArguments[0].ToDisplayString(TypeFormat);
                break;
            case "System.Threading.Tasks.ValueTask<TResult>":
                kind = ReturnKind.ValueTaskOfT;
                resultType = ret!.TypeArguments[0].ToDisplayString(TypeFormat);
                break;
            default:
                error = "grain methods must return Task, Task<T>, ValueTask or ValueTask<T>";
                return null;
        }
        var parameters = method.Parameters
            .Select(p => new ParameterModel(p.Name, p.Type.ToDisplayString(TypeFormat)))
            .ToImmutableArray();
        // Nullable annotations are left out of the id: adding a '?' must not change the wire.
        var signature = method.Name + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))) + ")";
        return new MethodModel(
            method.Name,
            declaring.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Fnv1a(signature),
            kind,
            resultType,
            method.ReturnType.ToDisplayString(TypeFormat),
            parameters);
    }

    private static ClassModel DescribeClass(INamedTypeSymbol symbol)
    {
        // Only interfaces this class adds: a subclass does not take over its base class's grain types.
        var inherited = symbol.BaseType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty;
        var grainInterfaces = symbol.AllInterfaces
            .Where(i => !inherited.Contains(i, SymbolEqualityComparer.Default))
            .Where(i => i.ToDisplayString() != GrainInterfaceName && IsGrainInterface(i)
                        && i.ToDisplayString() != "GatoMesh.Runtime.IGrainWithStringKey")
            .Select(GrainTypeName)
            .ToImmutableArray();
        bool reentrant = symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "GatoMesh.Runtime.ReentrantAttribute");
        int workers = 0;
        var worker = symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "GatoMesh.Runtime.StatelessWorkerAttribute");
        if (worker is not null)
            workers = worker.ConstructorArguments.Length > 0 && worker.ConstructorArguments[0].Value is int n ? n : 1;
        return new ClassModel(symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), grainInterfaces, reentrant, workers);
    }

    private static void Emit(SourceProductionContext spc, ImmutableArray<InterfaceModel> interfaces, ImmutableArray<ClassModel> classes, string assembly)
    {
        if (interfaces.IsEmpty && classes.IsEmpty) return;
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated/> by GatoMesh.Runtime.Generators: grain proxies, requests and registrations.");
        sb.AppendLine("#nullable enable");
        sb.AppendLine("#pragma warning disable CS1591");
        sb.AppendLine("namespace GatoMesh.Generated");
        sb.AppendLine("{");
        foreach (var iface in interfaces)
        {
            foreach (var error in iface.Errors)
            {
                var parts = error.Split('|');
                spc.ReportDiagnostic(Diagnostic.Create(UnsupportedMethod, iface.Location, iface.FullName, parts[0], parts[1]));
            }
            if (!iface.Errors.IsEmpty) continue;
            EmitInterface(sb, iface);
        }
        sb.AppendLine("    internal static class GrainRegistration_" + MangleText(assembly));
        sb.AppendLine("    {");
        sb.AppendLine("        [global::System.Runtime.CompilerServices.ModuleInitializer]");
        sb.AppendLine("        internal static void Register()");
        sb.AppendLine("        {");
        foreach (var iface in interfaces.Where(i => i.Errors.IsEmpty))
        {
            sb.AppendLine($"            global::GatoMesh.Runtime.Invocation.GrainTypeRegistry.RegisterInterface({Literal(iface.GrainType)}, typeof({iface.FullName}),");
            sb.AppendLine($"                static (caller, id) => new Proxy_{iface.Mangled}(caller, id),");
            sb.AppendLine($"                static methodId => methodId switch");
            sb.AppendLine("                {");
            foreach (var m in iface.Methods)
                sb.AppendLine($"                    {m.Id} => new {RequestName(iface, m)}(),");
            sb.AppendLine("                    _ => null,");
            sb.AppendLine("                });");
        }
        foreach (var cls in classes)
        {
            foreach (var grainType in cls.GrainTypes)
                sb.AppendLine($"            global::GatoMesh.Runtime.Invocation.GrainTypeRegistry.RegisterClass({Literal(grainType)}, typeof({cls.FullName}), static () => new {cls.FullName}(), {(cls.Reentrant ? "true" : "false")}, {cls.StatelessWorkers});");
        }
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        spc.AddSource("GatoMesh.Grains.g.cs", SourceText.From(sb.ToString(), Encoding.UTF8));
    }

    private static void EmitInterface(StringBuilder sb, InterfaceModel iface)
    {
        foreach (var m in iface.Methods)
        {
            var name = RequestName(iface, m);
            sb.AppendLine($"    internal sealed class {name} : global::GatoMesh.Runtime.Invocation.GrainRequest<{m.ResultType}>");
            sb.AppendLine("    {");
            for (int i = 0; i < m.Parameters.Length; i++)
                sb.AppendLine($"        public {m.Parameters[i].Type} Arg{i} = default!;");
            sb.AppendLine($"        public override int MethodId => {m.Id};");
            sb.AppendLine($"        public override string MethodName => {Literal(m.Name)};");
            sb.AppendLine("        public override void WriteArguments(global::GatoMesh.Runtime.Serialization.WireWriter writer)");
            sb.AppendLine("        {");
            for (int i = 0; i < m.Parameters.Length; i++)
                sb.AppendLine($"            global::GatoMesh.Runtime.Serialization.WireCodec<{m.Parameters[i].Type}>.Write(writer, Arg{i});");
            sb.AppendLine("        }");
            sb.AppendLine("        public override void ReadArguments(global::GatoMesh.Runtime.Serialization.WireReader reader)");
            sb.AppendLine("        {");
            for (int i = 0; i < m.Parameters.Length; i++)
                sb.AppendLine($"            Arg{i} = global::GatoMesh.Runtime.Serialization.WireCodec<{m.Parameters[i].Type}>.Read(reader);");
            sb.AppendLine("        }");
            var args = string.Join(", ", Enumerable.Range(0, m.Parameters.Length).Select(i => "Arg" + i));
            var call = $"(({m.DeclaringInterface})grain).{m.Name}({args})";
            var body = m.Kind switch
            {
                ReturnKind.Task => $"FromTask({call})",
                ReturnKind.ValueTask => $"FromValueTask({call})",
                ReturnKind.TaskOfT => $"new global::System.Threading.Tasks.ValueTask<{m.ResultType}>({call})",
                _ => call,
            };
            sb.AppendLine($"        protected override global::System.Threading.Tasks.ValueTask<{m.ResultType}> InvokeAsync(object grain) => {body};");
            sb.AppendLine("    }");
        }
        sb.AppendLine($"    internal sealed class Proxy_{iface.Mangled} : global::GatoMesh.Runtime.Invocation.GrainReference, {iface.FullName}");
        sb.AppendLine("    {");
        sb.AppendLine($"        public Proxy_{iface.Mangled}(global::GatoMesh.Runtime.Invocation.GrainCaller caller, global::GatoMesh.Runtime.GrainId id) : base(caller, id) {{ }}");
        foreach (var m in iface.Methods)
        {
            var parameters = string.Join(", ", m.Parameters.Select(p => $"{p.Type} {Escape(p.Name)}"));
            var init = string.Join(", ", m.Parameters.Select((p, i) => $"Arg{i} = {Escape(p.Name)}"));
            var invoke = $"InvokeAsync(new {RequestName(iface, m)} {{ {init} }})";
            var body = m.Kind switch
            {
                ReturnKind.Task => invoke,
                ReturnKind.TaskOfT => invoke,
                ReturnKind.ValueTask => $"new global::System.Threading.Tasks.ValueTask({invoke})",
                _ => $"new {m.ReturnType}({invoke})",
            };
            sb.AppendLine($"        {m.ReturnType} {m.DeclaringInterface}.{m.Name}({parameters}) => {body};");
        }
        sb.AppendLine("    }");
    }

    private static string RequestName(InterfaceModel iface, MethodModel m) => $"Request_{iface.Mangled}_{m.Name}_{(uint)m.Id:x8}";

    private static string Escape(string name) => "@" + name;

    private static string Literal(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Mangle(INamedTypeSymbol symbol) => MangleText(symbol.ToDisplayString());

    private static string MangleText(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(char.IsLetterOrDigit(c) ? c : '_');
        return sb.ToString();
    }

    /// <summary>FNV-1a 32-bit of the method signature: the method id on the wire. Stable across builds and
    /// independent of declaration order.</summary>
    private static int Fnv1a(string s)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (var b in Encoding.UTF8.GetBytes(s))
                h = (h ^ b) * 16777619;
            return (int)h;
        }
    }
}
