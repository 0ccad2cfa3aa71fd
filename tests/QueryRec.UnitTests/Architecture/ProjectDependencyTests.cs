using System.Reflection;
using System.Text.Json;
using QueryRec.UnitTests.Deploy;

namespace QueryRec.UnitTests.Architecture;

/// <summary>
/// The layering the build must keep: the pipeline (Serving) and the stores (Storage) run without a web host, and the
/// indexer builds on Serving, never on the API host. Read from what restore resolved (every package, also transitive)
/// and from the compiled assemblies.
/// </summary>
public sealed class ProjectDependencyTests
{
    public static TheoryData<string> LibrariesWithoutWebHost => new() { "QueryRec.Serving", "QueryRec.Storage", "QueryRec.Core", "QueryRec.Contracts" };

    [Theory]
    [MemberData(nameof(LibrariesWithoutWebHost))]
    public void Library_ResolvesNoAspNetCoreFrameworkOrPackage(string project)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(DeployFiles.PathOf($"src/{project}/obj/project.assets.json")));
        var root = assets.RootElement;

        var direct = root.GetProperty("project").GetProperty("frameworks").EnumerateObject().Single().Value;
        var frameworks = direct.TryGetProperty("frameworkReferences", out var refs) ? refs.EnumerateObject().Select(static p => p.Name).ToList() : [];
        Assert.DoesNotContain("Microsoft.AspNetCore.App", frameworks);
        foreach (var library in root.GetProperty("targets").EnumerateObject().Single().Value.EnumerateObject())
        {
            Assert.False(library.Name.StartsWith("Microsoft.AspNetCore.", StringComparison.OrdinalIgnoreCase), $"{project} resolves {library.Name}");
            Assert.False(library.Name.StartsWith("Grpc.AspNetCore", StringComparison.OrdinalIgnoreCase), $"{project} resolves {library.Name}");
            Assert.False(library.Name.StartsWith("Grpc.Net.", StringComparison.OrdinalIgnoreCase), $"{project} resolves {library.Name}");
            if (library.Value.TryGetProperty("frameworkReferences", out var inherited))
            {
                Assert.DoesNotContain("Microsoft.AspNetCore.App", inherited.EnumerateArray().Select(static f => f.GetString()));
            }
        }
    }

    [Theory]
    [InlineData("QueryRec.Serving")]
    [InlineData("QueryRec.Storage")]
    public void Assembly_ReferencesNeitherAspNetCoreNorGrpc(string assembly)
    {
        var referenced = Assembly.Load(assembly).GetReferencedAssemblies().Select(static a => a.Name!).ToList();

        Assert.DoesNotContain(referenced, static n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n.StartsWith("Grpc", StringComparison.Ordinal));
    }

    [Fact]
    public void Indexer_ReferencesServingAndNotTheApiHost()
    {
        var referenced = Assembly.Load("QueryRec.Indexer").GetReferencedAssemblies().Select(static a => a.Name!).ToList();

        Assert.Contains("QueryRec.Serving", referenced);
        Assert.DoesNotContain("QueryRec.Api", referenced);
        Assert.DoesNotContain(referenced, static n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
