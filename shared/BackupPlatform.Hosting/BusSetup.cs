using BackupPlatform.Hosting.Journal;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting;

public static class BusSetup
{
    /// <summary>One bus for the process, on the configured transport, carrying every participant's endpoints.</summary>
    public static IServiceCollection AddBackupPlatformBus(this IServiceCollection services, IConfiguration configuration, params BusParticipant[] participants)
    {
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        services.AddSingleton(options);
        var journal = services.AddMessageJournal(configuration, string.Join("+", participants.Select(p => p.Name)));
        services.AddMassTransit(bus =>
        {
            // MassTransit reports usage to its vendor's server by default; a cloud's control plane calls out to nobody
            // (and here, with no route out, every process logged the failed call).
            bus.DisableUsageTelemetry();
            foreach (var participant in participants)
            {
                participant.Register(bus);
            }

            void Endpoints(IBusRegistrationContext context, IBusFactoryConfigurator configurator)
            {
                if (journal is not null)
                {
                    configurator.UseMessageJournal(context);
                }

                foreach (var participant in participants)
                {
                    participant.ConfigureEndpoints(context, configurator);
                }
            }

            switch (options.Transport.ToLowerInvariant())
            {
                case "rabbitmq":
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(options.RabbitMqUri));
                        Endpoints(context, cfg);
                    });
                    break;
                case "inmemory":
                    bus.UsingInMemory((context, cfg) => Endpoints(context, cfg));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown bus transport '{options.Transport}': use rabbitmq or inmemory.");
            }
        });
        return services;
    }
}
