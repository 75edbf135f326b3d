// Readiness check for the development Kafka: the broker is "ready" only when a record can be
// produced and then consumed back through a consumer group (what the application does). An
// open port is not enough: a KRaft broker listens before it has caught up with the metadata
// log, and the group coordinator loads later still. Compiled by scripts/services against the
// broker's classpath (kafka-clients is part of it).
//
// Usage: KafkaCheck <bootstrap> <timeoutSeconds> [serverPid]
// Retries until it works or the timeout passes; gives up at once if serverPid exits.
// Exit codes: 0 ready, 2 timed out, 3 the server process is gone.

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class KafkaCheck {
    static final String TOPIC = "c360.healthcheck";

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        long pid = args.length > 2 ? Long.parseLong(args[2]) : -1;

        Exception last = null;
        while (true) {
            if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                System.err.println("kafka process " + pid + " is no longer running");
                System.exit(3);
            }
            try {
                long started = System.nanoTime();
                long offset = roundTrip(bootstrap);
                System.out.printf("produce/consume ok (offset %d of %s, %d ms)%n", offset, TOPIC,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                System.err.println("produce/consume did not succeed on " + bootstrap + ": " + last);
                System.exit(2);
            }
            Thread.sleep(1000);
        }
    }

    static long roundTrip(String bootstrap) throws Exception {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        common.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);

        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }

        String value = "c360-healthcheck-" + UUID.randomUUID();
        Properties p = new Properties();
        p.putAll(common);
        p.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000);
        long offset;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, value)).get(20, TimeUnit.SECONDS);
            offset = md.offset();
        }

        // A fresh group each time: a fixed group id could be stuck waiting for the session of a
        // previous check that was killed. Nothing is committed, so the empty group expires.
        Properties c = new Properties();
        c.putAll(common);
        c.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "c360-healthcheck-" + UUID.randomUUID());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long wanted = offset;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override public void onPartitionsRevoked(Collection<TopicPartition> parts) {}
                @Override public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    for (TopicPartition tp : parts) consumer.seek(tp, wanted);
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(r.value())) return r.offset();
                }
            }
        }
        throw new IllegalStateException("produced record at offset " + offset + " was not consumed within 20 s");
    }
}
