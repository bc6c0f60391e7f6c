using BackupPlatform.Data;
using MassTransit;

namespace BackupPlatform.Hosting.Journal;

/// <summary>Journals every event this process publishes (notifications, heartbeats, faults).</summary>
public sealed class JournalPublishObserver(MessageJournal journal) : IPublishObserver
{
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        journal.Record(JournalEntries.FromSend(context, context.Message, JournalKinds.Publish, JournalOutcomes.Published));
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class
    {
        journal.Record(JournalEntries.FromSend(context, context.Message, JournalKinds.Publish, JournalOutcomes.Faulted, exception));
        return Task.CompletedTask;
    }
}
