export { KafkaTransport, type KafkaTransportConfig } from './transport.ts';
export { KafkaConsumer } from './consumer.ts';
export { KafkaProducer } from './producer.ts';
export { resolveKafkaOptions, type KafkaTransportOptions, type ResolvedKafkaOptions } from './options.ts';
export { isRetriable, toLaminiError } from './errors.ts';
export { describeGroupMembers, GroupMemberReader, type GroupMembers, type GroupMemberReaderSettings } from './group-members.ts';
