using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Hosting.Journal;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
            foreach (var participant in participants)
            {
                participant.Register(bus);
            }

            var volumeService = QueueNames.Address(QueueNames.VolumeService);
            var timeout = RequestTimeout.After(ms: (int)options.RequestTimeout.TotalMilliseconds);
            bus.AddRequestClient<ReserveVolume>(volumeService, timeout);
            bus.AddRequestClient<GetVolume>(volumeService, timeout);
            bus.AddRequestClient<CreateVolume>(volumeService, timeout);
            bus.AddRequestClient<GetBackupDevice>(volumeService, timeout);
            bus.AddRequestClient<InitializeConnection>(volumeService, timeout);
            bus.AddRequestClient<TerminateConnection>(volumeService, timeout);
            bus.AddRequestClient<ReleaseVolume>(volumeService, timeout);
            bus.AddRequestClient<SetVolumeMetadata>(volumeService, timeout);
            bus.AddRequestClient<DeleteTemporaryVolume>(volumeService, timeout);

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
        var volumeService = configuration.GetSection(VolumeServiceClientOptions.Section).Get<VolumeServiceClientOptions>() ?? new VolumeServiceClientOptions();
        services.TryAddSingleton(volumeService);
        services.AddHttpClient(VolumeServiceClient.HttpClientName, client => client.Timeout = options.RequestTimeout);
        services.AddScoped<VolumeServiceClient>();
        services.AddScoped<StrandedBackups>();
        return services;
    }
}
