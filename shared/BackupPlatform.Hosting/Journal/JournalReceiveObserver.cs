using MassTransit;

namespace BackupPlatform.Hosting.Journal;

/// <summary>
/// Journals what an endpoint received but could not hand to any consumer, e.g. a body that does not
/// deserialize: MassTransit moves it to the error queue, and this row says why.
/// </summary>
public sealed class JournalReceiveObserver(MessageJournal journal) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        // A consumer's own fault is journaled by the consume filter, with the message it could read.
        if (!context.IsDelivered)
        {
            journal.Record(JournalEntries.FromReceiveFault(context, exception));
        }

        return Task.CompletedTask;
    }
}
