using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Time;

/// <summary>Registration of the two clocks: the wall <see cref="TimeProvider"/> and the pipeline's <see cref="EventClock"/> (a replay clock only in a host that holds a <see cref="ReplayClockPermit"/>).</summary>
internal static class ClockServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecClocks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ClockOptions>().Bind(configuration.GetSection(ClockOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClockOptions>, ClockOptionsRules>(static sp => new ClockOptionsRules(sp.GetService<ReplayClockPermit>() is not null)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var clock = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            if (!clock.Replay)
            {
                return EventClock.Live(sp.GetRequiredService<TimeProvider>());
            }

            ClockLog.ReplayClockOn(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReplayClock)), clock.ReplayStart);
            return EventClock.ForReplay(new ReplayClock(clock.ReplayStart));
        });
        return services;
    }
}
