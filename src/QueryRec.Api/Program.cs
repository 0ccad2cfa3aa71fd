using QueryRec.Api.HealthChecks;
using QueryRec.Api.Hosting;

if (HealthProbe.IsRequested(args))
{
    // The container HEALTHCHECK (deploy/Dockerfile): probe the running server, start nothing.
    return await HealthProbe.RunAsync(args, Console.Out);
}

QueryRecHost.Build(args).Run();
return 0;

/// <summary>The QueryRec host. Partial so that WebApplicationFactory can reach it.</summary>
public partial class Program;
