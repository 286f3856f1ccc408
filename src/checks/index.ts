export { CheckTimeoutError } from './abort.js';
export type { ClosableCheck } from './closable.js';
export { type CommandCheckOptions, commandCheck, NAGIOS_EXIT_LEVELS } from './command.js';
export { type DnsCheckOptions, type DnsRecordType, dnsCheck } from './dns.js';
export { type HttpCheckOptions, httpCheck } from './http.js';
export { evaluateCondition, type JsonCondition, readPath } from './json-path.js';
export { type MqttCheckOptions, type MqttClientLike, mqttCheck } from './mqtt.js';
export { type MysqlCheckOptions, type MysqlPoolLike, mysqlCheck } from './mysql.js';
export { type NatsCheckOptions, type NatsConnectionLike, natsCheck } from './nats.js';
export { loadPeer, type ModuleLoader } from './peer.js';
export { type PgPoolLike, type PostgresCheckOptions, postgresCheck } from './postgres.js';
export {
  type AmqpConnectionLike,
  type QueueDepthRule,
  type RabbitmqCheckOptions,
  rabbitmqCheck,
} from './rabbitmq.js';
export { type RedisCheckOptions, type RedisClientLike, redisCheck } from './redis.js';
export { type CheckKind, type CheckKindName, checkKinds, createCheck } from './registry.js';
export { type StatuskitCheckOptions, statuskitCheck } from './statuskit.js';
export { type TcpCheckOptions, tcpCheck } from './tcp.js';
export { type TlsCheckOptions, tlsCheck } from './tls.js';
