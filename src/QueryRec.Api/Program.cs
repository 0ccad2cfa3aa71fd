using QueryRec.Api.Hosting;

QueryRecHost.Build(args).Run();

/// <summary>The QueryRec host. Partial so that WebApplicationFactory can reach it.</summary>
public partial class Program;
