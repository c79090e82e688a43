using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GatoMesh.Runtime.Tests.Generators;

/// <summary>Runs the generator (its built assembly) on small sources and checks what it emits or rejects.</summary>
public sealed class GrainCodeGeneratorTests
{
    private static ISourceGenerator LoadGenerator()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = dir.Parent!.Name;
        while (!File.Exists(Path.Combine(dir!.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir.FullName, "src", "GatoMesh.Runtime.Generators", "bin", configuration, "netstandard2.0", "GatoMesh.Runtime.Generators.dll");
        var type = Assembly.LoadFrom(path).GetType("GatoMesh.Runtime.Generators.GrainCodeGenerator")!;
        return ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
    }

    private static (IReadOnlyList<Diagnostic> Diagnostics, string Generated) Run(string source)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Grain).Assembly.Location));
        var compilation = CSharpCompilation.Create("GeneratorInput",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(LoadGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var generated = string.Concat(driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()));
        var errors = diagnostics.Concat(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)).ToList();
        return (errors, generated);
    }

    private static int Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 16777619;
        return unchecked((int)h);
    }

    [Fact]
    public void A_grain_interface_gets_a_request_per_method_with_a_signature_hash_id_and_a_compiling_proxy()
    {
        var (diagnostics, generated) = Run("""
            using System.Threading.Tasks;
            using GatoMesh.Runtime;
            namespace Fleet;
            public interface IRobot : IGrainWithStringKey
            {
                Task<int> Step(int action, string? note);
                ValueTask Stop();
            }
            public sealed class Robot : Grain, IRobot
            {
                public Task<int> Step(int action, string? note) => Task.FromResult(action);
                public ValueTask Stop() => default;
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains($"{Fnv1a("Step(int,string)")} => new Request_Fleet_IRobot_Step_", generated);
        Assert.Contains($"{Fnv1a("Stop()")} => new Request_Fleet_IRobot_Stop_", generated);
        Assert.Contains("RegisterClass(\"Fleet.IRobot\", typeof(global::Fleet.Robot), static () => new global::Fleet.Robot(), false, 0)", generated);
    }

    [Fact]
    public void A_method_that_cannot_cross_the_wire_is_a_compile_error_naming_it()
    {
        var (diagnostics, _) = Run("""
            using System.Threading.Tasks;
            using GatoMesh.Runtime;
            public interface IBad : IGrainWithStringKey
            {
                int Sync();
                Task<T> Generic<T>();
                Task Out(out int x);
            }
            """);
        var gm = diagnostics.Where(d => d.Id == "GM0001").Select(d => d.GetMessage()).ToList();
        Assert.Equal(3, gm.Count);
        Assert.Contains(gm, m => m.Contains("Sync") && m.Contains("must return Task"));
        Assert.Contains(gm, m => m.Contains("Generic") && m.Contains("generic"));
        Assert.Contains(gm, m => m.Contains("Out") && m.Contains("ref, out"));
    }
}
