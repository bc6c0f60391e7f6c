using BackupPlatform.Data;
using MassTransit;

namespace BackupPlatform.Hosting.Journal;

/// <summary>Journals every message this process sends (commands to the scheduler and the workers).</summary>
public sealed class JournalSendObserver(MessageJournal journal) : ISendObserver
{
    public Task PreSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context)
        where T : class
    {
        journal.Record(JournalEntries.FromSend(context, context.Message, JournalKinds.Send, JournalOutcomes.Sent));
        return Task.CompletedTask;
    }

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class
    {
        journal.Record(JournalEntries.FromSend(context, context.Message, JournalKinds.Send, JournalOutcomes.Faulted, exception));
        return Task.CompletedTask;
    }
}
