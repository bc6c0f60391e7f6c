using MassTransit;

namespace BackupPlatform.Hosting;

/// <summary>
/// What one service adds to the bus: its consumers and the receive endpoints they listen on. A
/// separate process has one participant; the all-in-one has all four on one in-memory bus.
/// </summary>
/// <param name="Name">The service, as the message journal names who recorded a row ("scheduler", "worker.host").</param>
public sealed record BusParticipant(
    Action<IBusRegistrationConfigurator> Register,
    Action<IBusRegistrationContext, IReceiveConfigurator> ConfigureEndpoints,
    string Name = "service");
