using QueryRec.Api.Hosting;
using QueryRec.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(QueryRecHostExtensions.ServiceName);
builder.AddQueryRec();

var app = builder.Build();
app.UseGrpcWebDefaults();
app.MapDefaultEndpoints();
app.MapQueryRec();
app.Run();

/// <summary>The QueryRec host. Partial so that WebApplicationFactory can reach it.</summary>
public partial class Program;
