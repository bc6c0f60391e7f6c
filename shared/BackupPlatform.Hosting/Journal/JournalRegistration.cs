using BackupPlatform.Data;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting.Journal;

public static class JournalRegistration
{
    /// <summary>
    /// The journal's writer, retention and bus observers. Call before AddMassTransit, so that the
    /// writer stops after the bus and records its last messages. Every service writes to the shared
    /// backup database, which the service registers here if it has not already.
    /// </summary>
    public static JournalOptions? AddMessageJournal(this IServiceCollection services, IConfiguration configuration, string service)
    {
        services.TryAddScoped<ConsumeNote>();
        var options = configuration.GetSection(JournalOptions.Section).Get<JournalOptions>() ?? new JournalOptions();
        if (!options.Enabled || services.Any(d => d.ServiceType == typeof(MessageJournal)))
        {
            return null;
        }

        options.Service ??= service;
        // A no-op where the service already keeps its backups in that database.
        services.AddBackupPlatformDatabase<BackupDbContext>(configuration, BackupDbContextHistory.Table);

        services.AddSingleton(options);
        services.AddSingleton<MessageJournal>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageJournal>());
        services.AddSingleton<JournalRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<JournalRetention>());
        services.AddSendObserver<JournalSendObserver>();
        services.AddPublishObserver<JournalPublishObserver>();
        services.AddReceiveObserver<JournalReceiveObserver>();
        return options;
    }

    /// <summary>Every consume on every endpoint of the bus goes through the journal filter.</summary>
    public static void UseMessageJournal(this IBusFactoryConfigurator configurator, IRegistrationContext context) =>
        configurator.UseConsumeFilter(typeof(JournalConsumeFilter<>), context);
}
